/*
 * Few-row products against 1024-input weight matrices streamed from memory, through the oneMKL
 * inside libtorch_cpu.so: the two plain forms torch uses (linear's y = x W^T and the tall-skinny
 * z = W x^T) and MKL's packed API (cblas_sgemm_pack once per matrix, cblas_sgemm_compute per
 * product), in ms per 1024x1024 block of weights. libtorch exports the Fortran sgemm_ and the
 * packed cblas entry points, not cblas_sgemm. Run (docs/benchmarks.md, session 16; the shim makes
 * MKL's vendor check return 1, as Engines does in the JVM; the second argument is the number of
 * 1024x3072 matrices, 40 = 480 MB plain plus 800 MB packed):
 *
 * D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 * echo 'int mkl_serv_intel_cpu_true(void){return 1;}' > /tmp/shim.c && gcc -shared -fPIC -o /tmp/shim.so /tmp/shim.c
 * gcc -O2 docs/machine-probes/mkl_packed_gemm.c -o /tmp/packprobe -ldl
 * OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH=$D LD_PRELOAD=/tmp/shim.so /tmp/packprobe $D/libtorch_cpu.so 40
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <dlfcn.h>
enum {RowMajor=101, ColMajor=102}; enum {NoTrans=111, Trans=112, Packed=151}; enum {AMatrix=161, BMatrix=162};
typedef void (*fgemm_t)(const char*,const char*,const int*,const int*,const int*,const float*,const float*,const int*,const float*,const int*,const float*,float*,const int*);
typedef size_t (*packsize_t)(int,int,int,int);
typedef void (*pack_t)(int,int,int,int,int,int,float,const float*,int,float*);
typedef void (*compute_t)(int,int,int,int,int,int,const float*,int,const float*,int,float,float*,int);
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  setvbuf(stdout,NULL,_IONBF,0);
  void*h=dlopen(argv[1],RTLD_NOW|RTLD_GLOBAL); if(!h){printf("%s\n",dlerror());return 1;}
  fgemm_t gemm=dlsym(h,"sgemm_"); packsize_t psz=dlsym(h,"cblas_sgemm_pack_get_size");
  pack_t pack=dlsym(h,"cblas_sgemm_pack"); compute_t comp=dlsym(h,"cblas_sgemm_compute");
  int K=1024,N=3072,NM=atoi(argv[2]);
  float**W=malloc(NM*sizeof(float*)); float**PB=malloc(NM*sizeof(float*)); float**PA=malloc(NM*sizeof(float*));
  size_t bb=psz(BMatrix,64,N,K), ba=psz(AMatrix,N,64,K);
  printf("packed B %zu, packed A %zu, plain %zu bytes\n",bb,ba,(size_t)N*K*4);
  for(int i=0;i<NM;i++){W[i]=malloc((size_t)N*K*4); for(size_t j=0;j<(size_t)N*K;j++)W[i][j]=(float)((j*2654435761u)%1000)/1000.f-0.5f;
    PB[i]=malloc(bb); pack(RowMajor,BMatrix,Trans,64,N,K,1.0f,W[i],K,PB[i]);
    PA[i]=malloc(ba); pack(RowMajor,AMatrix,NoTrans,N,64,K,1.0f,W[i],K,PA[i]);}
  int rows[]={1,2,4,8,12,16,24,32,48,64};
  float*x=malloc(64*K*4),*xt=malloc(64*K*4),*y=malloc(64*N*4),*y2=malloc(64*N*4),*y3=malloc(64*N*4);
  for(int j=0;j<64*K;j++)x[j]=(float)(j%7)/7.f;
  float one=1,zero=0;
  for(int r=0;r<10;r++){int M=rows[r];
    for(int i=0;i<M;i++)for(int k=0;k<K;k++)xt[k*M+i]=x[i*K+k];
    double best[4]={1e9,1e9,1e9,1e9};
    for(int rep=0;rep<5;rep++){
      double t=now(); for(int i=0;i<NM;i++) gemm("T","N",&N,&M,&K,&one,W[i],&K,x,&K,&zero,y,&N); t=now()-t; if(t<best[0])best[0]=t;
      t=now(); for(int i=0;i<NM;i++) gemm("T","N",&M,&N,&K,&one,x,&K,W[i],&K,&zero,y2,&M); t=now()-t; if(t<best[1])best[1]=t;
      t=now(); for(int i=0;i<NM;i++) comp(RowMajor,NoTrans,Packed,M,N,K,x,K,PB[i],K,0,y3,N); t=now()-t; if(t<best[2])best[2]=t;
      t=now(); for(int i=0;i<NM;i++) comp(RowMajor,Packed,NoTrans,N,M,K,PA[i],K,xt,M,0,y2,M); t=now()-t; if(t<best[3])best[3]=t;
    }
    double d=0; for(int j=0;j<M*N;j++){double e=y[j]-y3[j]; if(e<0)e=-e; if(e>d)d=e;}
    double blocks=NM*3.0;
    printf("rows %2d ms/block: y=xW^T %.3f  z=Wx^T %.3f  packedB %.3f  packedA %.3f  maxdiff %.1e\n",M,best[0]*1e3/blocks,best[1]*1e3/blocks,best[2]*1e3/blocks,best[3]*1e3/blocks,d);
  }
}
